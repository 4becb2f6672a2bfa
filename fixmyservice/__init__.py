"""The composition root: builds the web app, the CLI and `serve` from the stages; nothing imports it."""
