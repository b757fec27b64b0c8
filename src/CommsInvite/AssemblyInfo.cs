// Placeholder so the project compiles before its cmdlets land.
