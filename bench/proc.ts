import { readFileSync } from 'node:fs'

/** CPU time (user + system) process `pid` has used, in ms, from /proc (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  // after the command's closing parenthesis: state is field 3, utime 14 and stime 15 (1-based), so 11 and 12 here
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}
