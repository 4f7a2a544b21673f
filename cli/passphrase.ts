import { readFile, stat } from 'node:fs/promises'
import { createInterface } from 'node:readline/promises'
import { Writable } from 'node:stream'
import type { PassphraseSource } from '../node/account/account.ts'
import { InvalidPassphraseFileError, PassphraseRequiredError } from '../node/account/errors.ts'

/** The environment variable scripts can set instead of a terminal prompt or a file. */
export const PASSPHRASE_ENV = 'P2PCHAT_PASSPHRASE'

/** For `account set passphrase`: the new passphrase, when the current one comes from P2PCHAT_PASSPHRASE. */
export const NEW_PASSPHRASE_ENV = 'P2PCHAT_NEW_PASSPHRASE'

/** Longest passphrase file we read: a passphrase, not a document; a huge file is a mistake. */
const MAX_PASSPHRASE_FILE_BYTES = 4096

export interface PassphraseFlags {
  /** --passphrase-file */
  passphraseFile?: string
}

/** True when we may prompt: stdin and stdout are a terminal (never in --json mode). */
export function canPrompt(json: boolean): boolean {
  return !json && process.stdin.isTTY === true && process.stdout.isTTY === true
}

/** Reads a passphrase file: its first line, without the line ending. */
export async function readPassphraseFile(path: string): Promise<string> {
  let bytes: Buffer
  try {
    if ((await stat(path)).size > MAX_PASSPHRASE_FILE_BYTES) {
      throw new InvalidPassphraseFileError(
        `${path} is larger than ${MAX_PASSPHRASE_FILE_BYTES} bytes: not a passphrase file`
      )
    }
    bytes = await readFile(path)
  } catch (err) {
    if (err instanceof InvalidPassphraseFileError) {
      throw err
    }
    throw new InvalidPassphraseFileError(
      `cannot read passphrase file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`
    )
  }
  const passphrase = bytes.toString('utf8').split(/\r?\n/)[0]
  if (passphrase.length === 0) {
    throw new InvalidPassphraseFileError(`passphrase file ${path} is empty`)
  }
  return passphrase
}

/**
 * The passphrase of an existing key, asked for only if the key is encrypted: from --passphrase-file, else
 * P2PCHAT_PASSPHRASE, else a prompt when there is a terminal. Asks at most once.
 */
export function passphraseSource(flags: PassphraseFlags, json: boolean): PassphraseSource {
  let cached: Promise<string | undefined> | undefined
  return () => {
    cached ??= (async () => {
      if (flags.passphraseFile != null) {
        return readPassphraseFile(flags.passphraseFile)
      }
      const env = process.env[PASSPHRASE_ENV]
      if (env != null && env.length > 0) {
        return env
      }
      return canPrompt(json) ? askHidden('Passphrase: ') : undefined
    })()
    return cached
  }
}

/**
 * A passphrase to encrypt with: from the file or env var if given, else asked twice in a terminal (empty
 * means none). Without a terminal and without either, there is none.
 */
export async function choosePassphrase(
  file: string | undefined,
  envName: string,
  json: boolean,
  what = 'key'
): Promise<string | undefined> {
  if (file != null) {
    return readPassphraseFile(file)
  }
  const env = process.env[envName]
  if (env != null && env.length > 0) {
    return env
  }
  if (!canPrompt(json)) {
    return undefined
  }
  const prompts = hiddenPrompts()
  try {
    for (;;) {
      const first = await prompts.ask(`New passphrase for your ${what} (empty for none): `)
      if (first.length === 0) {
        return undefined
      }
      if ((await prompts.ask('Repeat it: ')) === first) {
        return first
      }
      process.stdout.write('  they differ, once more\n')
    }
  } finally {
    prompts.close()
  }
}

/** Like choosePassphrase, but a backup is always encrypted: no passphrase is an error. */
export async function requirePassphrase(file: string | undefined, json: boolean, what: string): Promise<string> {
  const passphrase = await choosePassphrase(file, PASSPHRASE_ENV, json, what)
  if (passphrase == null) {
    throw new PassphraseRequiredError(`a ${what} needs a passphrase: --passphrase-file F or ${PASSPHRASE_ENV}`)
  }
  return passphrase
}

/** Reads one line from the terminal without echoing it. */
export async function askHidden(question: string): Promise<string> {
  const prompts = hiddenPrompts()
  try {
    return await prompts.ask(question)
  } finally {
    prompts.close()
  }
}

/**
 * Questions answered on the terminal without echo, in turn, through one reader. An answer typed or pasted ahead of
 * its question is kept for it: a reader per question lost what its predecessor had read past its own line (a
 * passphrase and its repetition pasted at once came out as two that differ).
 */
export function hiddenPrompts(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout
): { ask: (question: string) => Promise<string>; close: () => void } {
  const silent = new Writable({
    write(_chunk, _encoding, callback) {
      callback()
    }
  })
  const rl = createInterface({ input, output: silent, terminal: true })
  const ahead: string[] = []
  const waiting: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = []
  rl.on('line', (line) => {
    const next = waiting.shift()
    next == null ? ahead.push(line) : next.resolve(line)
  })
  rl.on('close', () => {
    for (const next of waiting.splice(0)) {
      next.reject(new Error('the input ended before an answer'))
    }
  })
  return {
    ask: async (question) => {
      output.write(question)
      try {
        return ahead.shift() ?? (await new Promise<string>((resolve, reject) => waiting.push({ resolve, reject })))
      } finally {
        output.write('\n')
      }
    },
    close: () => rl.close()
  }
}

/** Asks a yes/no-style question; true only when the answer is exactly `expected`. */
export async function confirm(question: string, expected: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return (await rl.question(question)).trim() === expected
  } finally {
    rl.close()
  }
}
