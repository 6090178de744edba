/**
 * Kubernetes resource quantities (`128Mi`, `1G`, `500m`, `0.5`) as the Engine API's numbers. Written
 * here because the rules are short and fixed (k8s.io/apimachinery's resource.Quantity suffixes), and
 * the back direction (bytes → `128Mi`) is what `kube generate` prints.
 */
import { InvalidArgumentError } from '../common/errors.js';

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3 };

/** A quantity as a plain number (bytes for memory, cores for cpu). */
export function quantity(value: unknown, what: string): number {
  const text = String(value).trim();
  const m = /^([+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/.exec(text);
  if (!m || (typeof value !== 'string' && typeof value !== 'number')) throw new InvalidArgumentError(`${what}: "${text}" is not a Kubernetes quantity (e.g. 128Mi, 1G, 500m)`);
  const unit = m[2] ?? '';
  return Number(m[1]) * (BINARY[unit] ?? DECIMAL[unit]);
}

/** bytes as the shortest exact binary quantity (`64Mi`), or plain bytes */
export function memoryQuantity(bytes: number): string {
  for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) if (bytes % BINARY[unit] === 0 && bytes >= BINARY[unit]) return `${bytes / BINARY[unit]}${unit}`;
  return String(bytes);
}

/** nano CPUs as millicores (`500m`) or whole cores (`2`) */
export function cpuQuantity(nanoCpus: number): string {
  const milli = Math.round(nanoCpus / 1e6);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}
