/**
 * Injected into the bundle (web/bundle.ts): a few core modules use Node's global `Buffer` for base64 and hex text
 * (sealed keys, session state); in the page those references resolve to the `buffer` package's implementation.
 */
export { Buffer } from 'buffer'
