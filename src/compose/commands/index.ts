/** Every compose command group; each module adds its commands to the program. */
import type { Command } from 'commander';
import type { ComposeContext } from '../context.js';
import { registerConfigCommands } from './config.js';

export type ComposeRegistrar = (program: Command, ctx: () => ComposeContext) => void;

export const COMMAND_REGISTRARS: ComposeRegistrar[] = [
  registerConfigCommands,
];
