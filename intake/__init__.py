"""Stage 2 of a complaint's journey: fetch a caller's recording, check it is audio, store it with its checksum."""
