/** One request/response exchange that the round-trip benchmark times. */
export interface RoundTripper {
  roundTrip(): Promise<void>
  close(): Promise<void>
}

/** Something that moves as many payload bytes as it can for a while. */
export interface Pump {
  /** Sends for about `durationMs`; returns payload bytes that arrived and the time they took. */
  run(durationMs: number): Promise<{ bytes: number; ms: number }>
  close(): Promise<void>
}

/** Keeps `concurrency` calls of `job` in flight until `until()` says stop; returns how many completed. */
export async function runConcurrently(
  concurrency: number,
  until: () => boolean,
  job: () => Promise<void>
): Promise<number> {
  let done = 0
  const worker = async (): Promise<void> => {
    while (!until()) {
      await job()
      done++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return done
}
