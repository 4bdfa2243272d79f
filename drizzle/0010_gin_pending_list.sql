-- Full-text index entries wait in a pending list, and the insert that finds the list full merges it into the
-- index: with the default 4 MB that took ≈300 ms inside one ingest transaction. 256 kB keeps each merge short.
-- A storage parameter only: no rebuild of the index.
ALTER INDEX "messages_search_idx" SET (gin_pending_list_limit = 256);
