export declare const ENTRIES: Record<string, { source: string; out?: string; kind: "node" | "webview" | "engine" | "types" | "group"; needs?: string[] }>;
export declare function buildEntries(names?: string[], options?: { outdir?: string; quiet?: boolean }): Promise<string[]>;
