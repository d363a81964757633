export declare function extensionManifest(pkg: Record<string, unknown>): Record<string, unknown> & { main: string };
export declare function packageVsix(vsceArgs?: string[]): Promise<void>;
