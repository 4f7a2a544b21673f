/**
 * A Set that holds at most `maxSize` values, the Set twin of BoundedMap: adding a value makes it the newest, and
 * when the set is full the oldest added value goes. Ids of messages already shown live in one of these, so that a
 * flood of fresh ids costs a fixed amount of memory and only forgets the oldest.
 */
export class BoundedSet<T> extends Set<T> {
  readonly maxSize: number

  constructor(maxSize: number, values: Iterable<T> = []) {
    // values are added below, once maxSize is set: Set's own constructor would call add() before that
    super()
    if (!Number.isInteger(maxSize) || maxSize < 1) {
      throw new RangeError(`a BoundedSet holds at least one value, not ${maxSize}`)
    }
    this.maxSize = maxSize
    for (const value of values) {
      this.add(value)
    }
  }

  /** Adds `value` as the newest, evicting the oldest ones past `maxSize`. */
  override add(value: T): this {
    super.delete(value)
    super.add(value)
    while (this.size > this.maxSize) {
      const oldest = this.values().next()
      if (oldest.done === true) {
        break
      }
      super.delete(oldest.value)
    }
    return this
  }

  /** True the first time `value` is seen, and adds it; false (leaving it where it was) when it is held already. */
  addNew(value: T): boolean {
    if (this.has(value)) {
      return false
    }
    this.add(value)
    return true
  }
}
