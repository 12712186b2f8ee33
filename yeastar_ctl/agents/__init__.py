"""Agent state from phones: feature codes, BLF lamps, presence rules."""
