/**
 * Node's crypto module where the sessions run in Node, loaded without an import so that the page's bundle never
 * asks for it; undefined in a browser page, where the sessions use noble's pure JavaScript instead. Native X25519,
 * AES and HMAC are 10-50x faster than JavaScript's: they were most of a DM's CPU.
 */
export const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto')
