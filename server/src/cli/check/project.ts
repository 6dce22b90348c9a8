import { dirname } from 'node:path';
import type { Estate } from '../../project/estate';
import { findProjectConfig, loadProjectConfig, settingsForFile, type ProjectConfig } from '../../project/config';
import type { EndpointLensSettings } from '../../protocol';
import type { SettingsLayer } from '../../settings';
import { fileExists, readDiskFile } from '../../fileAccess';

/** What one file of a run gets from its project config: its settings, and the estates to check it in. */
export interface FileProject {
  settings: EndpointLensSettings;
  project?: { path: string; dir: string; estates: Estate[] };
}

/** The project configs of a `check` run, each read once, and the settings each file gets from them. */
export class RunProjects {
  private readonly byDir = new Map<string, string | undefined>();
  private readonly configs = new Map<string, ProjectConfig>();

  constructor(private readonly commandLine: SettingsLayer) {}

  configFor(path: string): ProjectConfig | undefined {
    const dir = dirname(path);
    let found = this.byDir.get(dir);
    if (!this.byDir.has(dir)) {
      found = findProjectConfig(path, fileExists);
      this.byDir.set(dir, found);
    }
    return found ? this.load(found) : undefined;
  }

  load(configPath: string): ProjectConfig {
    let config = this.configs.get(configPath);
    if (!config) {
      config = loadProjectConfig(configPath, readDiskFile, fileExists);
      this.configs.set(configPath, config);
    }
    return config;
  }

  /** Flags over the project config over the defaults (there are no editor settings on the command line). */
  forFile(path: string): FileProject {
    const config = this.configFor(path);
    return {
      settings: settingsForFile(path, config, {}, this.commandLine),
      ...(config ? { project: { path: config.path, dir: config.dir, estates: config.estates } } : {}),
    };
  }

  /** Every project config read so far, in path order. */
  loaded(): ProjectConfig[] {
    return [...this.configs.values()].sort((a, b) => a.path.localeCompare(b.path));
  }
}
