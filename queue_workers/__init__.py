"""RQ connection, queues, job functions, worker start-up and the sweeper; no decoding or tagging here."""
