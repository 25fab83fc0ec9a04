/**
 * The phase packages the CLI adapts, loaded lazily with their real types: a command only pays for the
 * phases it uses, and `taxonomy --help` starts fast.
 */
export const loadCrawl = () => import('@taxonomy/crawl');
export const loadS0 = () => import('@taxonomy/s0-raw-extraction');
export const loadS1 = () => import('@taxonomy/s1-extraction');
export const loadS2 = () => import('@taxonomy/s2-frequency');
export const loadS3 = () => import('@taxonomy/s3-verification');
export const loadPostprocess = () => import('@taxonomy/postprocess');
