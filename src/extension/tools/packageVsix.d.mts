export declare function extensionManifest(pkg: Record<string, unknown>, dependencies?: Record<string, string>): Record<string, unknown> & { main: string };
export declare function packageVsix(vsceArgs?: string[]): Promise<void>;
export declare function targetOf(vsceArgs: readonly string[]): string | undefined;
