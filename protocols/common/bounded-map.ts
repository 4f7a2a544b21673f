/**
 * A Map that holds at most `maxSize` keys: setting a key makes it the newest, and when the map is full the oldest
 * set key goes. Reading does not reorder. State kept per remote peer or per message lives in one of these (or
 * another bound), so that a flood of PeerIds or ids costs a fixed amount of memory.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly maxSize: number) {
    super()
    if (!Number.isInteger(maxSize) || maxSize < 1) {
      throw new RangeError(`a BoundedMap holds at least one key, not ${maxSize}`)
    }
  }

  /** Sets `key` as the newest entry, evicting the oldest ones past `maxSize`. */
  override set(key: K, value: V): this {
    super.delete(key)
    super.set(key, value)
    while (this.size > this.maxSize) {
      const oldest = this.keys().next()
      if (oldest.done === true) {
        break
      }
      super.delete(oldest.value)
    }
    return this
  }
}
