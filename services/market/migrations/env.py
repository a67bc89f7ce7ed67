from jifen.migrations import run_env
from services.market.adapters.tables import metadata

run_env(metadata)
