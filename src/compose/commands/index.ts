/** Every compose command group; each module adds its commands to the program. */
import type { Command } from 'commander';
import type { ComposeContext } from '../context.js';
import { registerConfigCommands } from './config.js';
import { registerLifecycleCommands } from './lifecycle.js';
import { registerLogsCommand } from './logs.js';
import { registerUpCommands } from './up.js';

export type ComposeRegistrar = (program: Command, ctx: () => ComposeContext) => void;

export const COMMAND_REGISTRARS: ComposeRegistrar[] = [
  registerConfigCommands,
  registerUpCommands,
  registerLifecycleCommands,
  registerLogsCommand,
];
