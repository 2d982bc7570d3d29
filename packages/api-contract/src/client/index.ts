// The typed HTTP client of EM's API lives here (used by the CLI and the web UI).
export {};
