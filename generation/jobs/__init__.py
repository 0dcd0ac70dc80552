"""Generation jobs: enqueue after commit, claim, run, record outcomes, reap the stuck."""
