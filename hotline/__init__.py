"""Fix My Service core: settings, database, models, audio store, app and CLI composition."""
