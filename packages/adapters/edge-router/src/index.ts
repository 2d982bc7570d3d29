// The built-in edge router of the embedded mode (ARCHITECTURE §2, SPEC §7): built next.
export {};
