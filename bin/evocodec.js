#!/usr/bin/env node
// The compiled CLI (npm run build); it runs on import.
import "../dist/src/cli/main.js";
