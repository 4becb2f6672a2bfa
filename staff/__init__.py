"""Staff-facing edges: the JSON API (and later the web view) plus account commands; logic lives in hotline/."""
