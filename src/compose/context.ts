/**
 * What every compose command shares: the Engine API client (made by the caller: the berth CLI resolves
 * -H/DOCKER_HOST/contexts and may start berth's daemon; the docker CLI plugin gets its host from the
 * docker CLI), the global options (-f, -p, --profile, --env-file, --project-directory, --progress), the
 * process's environment and working directory, and the project, loaded once on first use.
 */
import type { EngineClient } from '../client/engine-client.js';
import type { Project } from './model.js';
import { loadProject } from './loader/load.js';

export interface ComposeGlobalOptions {
  files: string[];
  projectName?: string;
  projectDirectory?: string;
  profiles: string[];
  envFiles: string[];
  progress?: 'auto' | 'tty' | 'plain' | 'quiet' | 'json';
  ansi?: 'never' | 'always' | 'auto';
  parallel?: number;
  allResources?: boolean;
}

export interface ComposeIO {
  /** the Engine API client, connected on first call */
  client: () => Promise<EngineClient>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: NodeJS.WriteStream | NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** the name users typed: "berth compose", "docker compose" or "berth-compose" (for usage lines) */
  commandName: string;
}

export class ComposeContext {
  private projectPromise: Promise<Project> | null = null;
  constructor(readonly io: ComposeIO, readonly options: ComposeGlobalOptions) {}

  client(): Promise<EngineClient> { return this.io.client(); }

  /** The project of -f/-p/--profile…; loaded (parsed, interpolated, merged, validated, normalised) once. */
  project(): Promise<Project> {
    this.projectPromise ??= loadProject({
      files: this.options.files,
      projectName: this.options.projectName,
      projectDirectory: this.options.projectDirectory,
      profiles: this.options.profiles,
      envFiles: this.options.envFiles,
      env: this.io.env,
      cwd: this.io.cwd,
      warn: (m) => this.err(`WARN[0000] ${m}\n`),
      allResources: this.options.allResources,
      stdin: this.io.stdin,
    });
    return this.projectPromise;
  }

  out(s: string): void { this.io.stdout.write(s); }
  err(s: string): void { this.io.stderr.write(s); }
}
