/** Types of source-inputs.mjs, for the tests that call it directly. */
export declare function overrideItems(value: string | undefined): string[];
export declare function sourcesManifestPath(root: string, env?: Readonly<Record<string, string | undefined>>): string;
export declare function crawlSettings(root: string, env?: Readonly<Record<string, string | undefined>>): { seeds_file: string | null; cache_dir: string };
export declare function corpusSourceFiles(root: string, env?: Readonly<Record<string, string | undefined>>): string[] | null;
export declare const CORPUS_FOLDER: string;
export declare const MAX_HASHED_BYTES: number;
