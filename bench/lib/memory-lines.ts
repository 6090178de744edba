/**
 * Probe lines for a process's (or a group's) memory split by kind, beside the VmRSS lines the probes
 * already give: RssAnon is what the process itself wrote (heap, stacks, malloc), RssFile the file
 * pages it touched (mostly its binary's, shared and clean), Pss its proportional share of everything.
 * Comparing RssAnon with RssAnon is the private part against the private part (issue 27).
 */
import type { MemoryBreakdown } from './proc.js';
import type { ProbeLine } from './types.js';

const mib = (kib: number) => kib / 1024;

export function breakdownLines(subject: string, phase: string, b: MemoryBreakdown): ProbeLine[] {
  return [
    { name: `${subject} RssAnon ${phase}`, value: mib(b.rssAnon), unit: 'MiB', note: 'private: heap, stacks, malloc' },
    { name: `${subject} RssFile ${phase}`, value: mib(b.rssFile), unit: 'MiB', note: 'file pages touched, mostly the binary\'s, shared and clean' },
    { name: `${subject} Pss ${phase}`, value: mib(b.pss), unit: 'MiB', note: 'proportional set: shared pages divided among their sharers' },
  ];
}
