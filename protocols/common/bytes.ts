/** Bytes owned by a plain ArrayBuffer: what protons' generated types and noble's outputs use. */
export type Bytes = Uint8Array<ArrayBuffer>
