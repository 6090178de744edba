/** Every compose command group; each module adds its commands to the program. */
import type { Command } from 'commander';
import type { ComposeContext } from '../context.js';
import { registerConfigCommands } from './config.js';
import { registerLifecycleCommands } from './lifecycle.js';
import { registerLogsCommand } from './logs.js';
import { registerUpCommands } from './up.js';
import { registerPsCommand } from './ps.js';
import { registerLsCommand } from './ls.js';
import { registerInspectCommands } from './inspect.js';
import { registerEventsCommand } from './events.js';
import { registerWaitCommand } from './wait.js';
import { registerExecCommands } from './exec.js';
import { registerVersionCommand } from './version.js';
import { registerImageIoCommands } from './images-io.js';
import { registerRunCommand } from './run.js';

export type ComposeRegistrar = (program: Command, ctx: () => ComposeContext) => void;

export const COMMAND_REGISTRARS: ComposeRegistrar[] = [
  registerConfigCommands,
  registerUpCommands,
  registerLifecycleCommands,
  registerLogsCommand,
  registerPsCommand,
  registerLsCommand,
  registerInspectCommands,
  registerEventsCommand,
  registerWaitCommand,
  registerExecCommands,
  registerVersionCommand,
  registerImageIoCommands,
  registerRunCommand,
];
