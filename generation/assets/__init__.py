"""Assets: storage of rendered files, their names, download URLs and version media."""
