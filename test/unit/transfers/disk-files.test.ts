import { link, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  finishedFileMode,
  isOurPartialDir,
  moveIntoPlace,
  openPartial,
  preparePartialDir
} from '../../../node/transfers/disk-files.ts'
import { UnsafeDownloadPathError } from '../../../protocols/file/errors.ts'

let dir = ''
let outside = ''
let umask = 0

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'p2pchat-unit-'))
  outside = await mkdtemp(join(tmpdir(), 'p2pchat-outside-'))
  await writeFile(join(outside, 'important.txt'), 'do not touch')
  // the most permissive umask: our modes must not depend on the user's being strict
  umask = process.umask(0)
})

afterEach(async () => {
  process.umask(umask)
  await rm(dir, { recursive: true, force: true })
  await rm(outside, { recursive: true, force: true })
})

describe('partial download files', () => {
  it('creates the partial folder 0700 and partial files 0600, whatever the umask', async () => {
    const partial = join(dir, 'downloads', '.p2pchat-partial')
    await preparePartialDir(partial)
    expect((await stat(partial)).mode & 0o777).toBe(0o700)
    const file = await openPartial(join(partial, 'x.part'))
    await file.close()
    expect((await stat(join(partial, 'x.part'))).mode & 0o777).toBe(0o600)
  })

  it('closes up a partial folder and a partial file left open to others', async () => {
    const partial = join(dir, '.p2pchat-partial')
    await mkdir(partial, { mode: 0o777 })
    await writeFile(join(partial, 'x.part'), 'abc', { mode: 0o666 })
    await preparePartialDir(partial)
    await (await openPartial(join(partial, 'x.part'))).close()
    expect((await stat(partial)).mode & 0o777).toBe(0o700)
    expect((await stat(join(partial, 'x.part'))).mode & 0o777).toBe(0o600)
  })

  it('refuses a partial file planted as a symlink, and writes nothing through it', async () => {
    const partial = join(dir, '.p2pchat-partial')
    await preparePartialDir(partial)
    await symlink(join(outside, 'important.txt'), join(partial, 'x.part'))
    await expect(openPartial(join(partial, 'x.part'))).rejects.toThrow(UnsafeDownloadPathError)
    expect(await readFile(join(outside, 'important.txt'), 'utf8')).toBe('do not touch')
  })

  it('refuses a partial file planted as a hard link to another file', async () => {
    const partial = join(dir, '.p2pchat-partial')
    await preparePartialDir(partial)
    await writeFile(join(dir, 'mine.txt'), 'secret')
    await link(join(dir, 'mine.txt'), join(partial, 'x.part'))
    await expect(openPartial(join(partial, 'x.part'))).rejects.toThrow(UnsafeDownloadPathError)
    expect(await readFile(join(dir, 'mine.txt'), 'utf8')).toBe('secret')
  })

  it('refuses a partial folder planted as a symlink, and deletes nothing through it', async () => {
    const partial = join(dir, '.p2pchat-partial')
    await symlink(outside, partial)
    await expect(preparePartialDir(partial)).rejects.toThrow(UnsafeDownloadPathError)
    expect(await isOurPartialDir(partial)).toBe(false)
    expect(await readdir(outside)).toEqual(['important.txt'])
  })

  it('never saves over a planted symlink, dangling or not', async () => {
    await writeFile(join(dir, 'x.part'), 'the download')
    await symlink(join(outside, 'new.txt'), join(dir, 'a.txt'))
    expect(await moveIntoPlace(join(dir, 'x.part'), dir, 'a.txt')).toBe(join(dir, 'a (1).txt'))
    expect((await lstat(join(dir, 'a.txt'))).isSymbolicLink()).toBe(true)
    expect(await readdir(outside)).toEqual(['important.txt'])
  })

  it("finished files get the user's umask", () => {
    process.umask(0o027)
    expect(finishedFileMode()).toBe(0o640)
    process.umask(0o022)
    expect(finishedFileMode()).toBe(0o644)
  })
})
