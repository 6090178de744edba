/**
 * SARIF 2.1.0 (OASIS), the log format that code-scanning tools read. The scanner, the Dockerfile
 * linter and the host audit all report through it, so the one writer lives here.
 */
export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export interface SarifRule {
  id: string;
  /** a PascalCase name (SARIF's reportingDescriptor.name) */
  name?: string;
  shortDescription: string;
  fullDescription?: string;
  helpUri?: string;
  /** Markdown or text help: the fix */
  help?: string;
  defaultLevel?: SarifLevel;
  properties?: Record<string, unknown>;
}

export interface SarifLocation {
  /** a relative or absolute URI (a Dockerfile path, `image://name`, a host path) */
  uri: string;
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}

export interface SarifResult {
  ruleId: string;
  level: SarifLevel;
  message: string;
  locations?: SarifLocation[];
  partialFingerprints?: Record<string, string>;
  properties?: Record<string, unknown>;
}

export interface SarifTool { name: string; version: string; informationUri: string; rules: SarifRule[] }

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** One run of one tool, as a complete SARIF log. Rules are referenced by index as well as id. */
export function sarifLog(tool: SarifTool, results: SarifResult[]): Record<string, unknown> {
  const index = new Map(tool.rules.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: tool.name,
          version: tool.version,
          informationUri: tool.informationUri,
          rules: tool.rules.map((r) => ({
            id: r.id,
            ...(r.name ? { name: r.name } : {}),
            shortDescription: { text: r.shortDescription },
            ...(r.fullDescription ? { fullDescription: { text: r.fullDescription } } : {}),
            ...(r.helpUri ? { helpUri: r.helpUri } : {}),
            ...(r.help ? { help: { text: r.help, markdown: r.help } } : {}),
            ...(r.defaultLevel ? { defaultConfiguration: { level: r.defaultLevel } } : {}),
            ...(r.properties ? { properties: r.properties } : {}),
          })),
        },
      },
      results: results.map((res) => ({
        ruleId: res.ruleId,
        ...(index.has(res.ruleId) ? { ruleIndex: index.get(res.ruleId) } : {}),
        level: res.level,
        message: { text: res.message },
        locations: (res.locations ?? []).map((l) => ({
          physicalLocation: {
            artifactLocation: { uri: l.uri },
            ...(l.startLine !== undefined ? {
              region: {
                startLine: l.startLine,
                ...(l.startColumn !== undefined ? { startColumn: l.startColumn } : {}),
                ...(l.endLine !== undefined ? { endLine: l.endLine } : {}),
                ...(l.endColumn !== undefined ? { endColumn: l.endColumn } : {}),
              },
            } : {}),
          },
        })),
        ...(res.partialFingerprints ? { partialFingerprints: res.partialFingerprints } : {}),
        ...(res.properties ? { properties: res.properties } : {}),
      })),
    }],
  };
}
