/**
 * A libp2p component that may not be there: libp2p's components object throws `MissingServiceError` for a service
 * the node does not run, rather than giving undefined.
 */
export function optionalComponent<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}
