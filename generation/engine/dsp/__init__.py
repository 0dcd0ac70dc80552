"""Signal processing shared by the engine: oscillators, filters, synthesis, tone, texture, theory."""
