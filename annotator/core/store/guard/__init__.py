"""Reading a project file that may be hostile: bounds on queries, the schema check every open
runs, checks on single values, and the read of a teammate's file for a merge."""
