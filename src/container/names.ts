import { randomInt } from 'node:crypto';
import { InvalidArgumentError } from '../common/errors.js';

/** Docker's container name grammar (a leading slash is allowed and dropped). */
const CONTAINER_NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Validate a user-given name; returns it without the leading slash. */
export function normalizeContainerName(name: string): string {
  if (!CONTAINER_NAME_RE.test(name)) {
    throw new InvalidArgumentError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, 'ERR_INVALID_NAME');
  }
  return name.replace(/^\//, '');
}

const ADJECTIVES = [
  'agile', 'bold', 'brave', 'bright', 'calm', 'clever', 'cosmic', 'crisp', 'curious', 'daring',
  'eager', 'earnest', 'fancy', 'fervent', 'gentle', 'glad', 'happy', 'hopeful', 'jolly', 'keen',
  'kind', 'lively', 'lucid', 'merry', 'modest', 'nimble', 'noble', 'patient', 'placid', 'quick',
  'quiet', 'relaxed', 'serene', 'sharp', 'steady', 'sunny', 'swift', 'tender', 'upbeat', 'vivid',
  'warm', 'wise', 'witty', 'zealous', 'zen',
];

// Scientists and engineers, in the spirit of Docker's generator.
const SURNAMES = [
  'babbage', 'bell', 'bohr', 'curie', 'darwin', 'dijkstra', 'einstein', 'euler', 'faraday', 'fermi',
  'feynman', 'franklin', 'galileo', 'gauss', 'goodall', 'hamilton', 'hopper', 'hypatia', 'kepler', 'knuth',
  'lamarr', 'lovelace', 'maxwell', 'meitner', 'mendel', 'newton', 'noether', 'pascal', 'pasteur', 'planck',
  'ritchie', 'shannon', 'thompson', 'tesla', 'torvalds', 'turing', 'volta', 'wilson', 'wright', 'yalow',
];

/** adjective_surname; with retry > 0 a digit is appended, as Docker does on collisions. */
export function randomContainerName(retry = 0): string {
  const base = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
  return retry > 0 ? `${base}${randomInt(10)}` : base;
}
