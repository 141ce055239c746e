/** The out-of-time split: the last 6 months are the test window, the 6 before it validation. */
export const SPLIT = { testMonths: 6, validMonths: 6 } as const;
