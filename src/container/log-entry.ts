/** One piece of a container's output, as the logs endpoint streams it. */
export interface LogEntry { stream: 'stdout' | 'stderr'; data: Buffer; time: Date }

export interface LogReadOptions {
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  since?: number;        // unix seconds (fractional allowed); 0 = from the start
  until?: number;        // unix seconds; 0 = no end
  tail?: string;         // 'all' or a number of entries
}
