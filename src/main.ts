#!/usr/bin/env bun
// Entry point of the one fangs executable (orchestrator, runner and CLI).
import { main } from "./cli/main.ts";

await main(process.argv.slice(2));
