# Lantern: every routine is a target; CI calls `make test` (see .ci/run).
SHELL := /bin/bash
RUN := scripts/venv-run
CONSOLE := scripts/venv-run --env console
CONSOLE_TESTS := python -m pytest --confcutdir=tests/console -p no:cacheprovider tests/console

.PHONY: help run test screen bench train validate eval eval-accept lint lock clean
.PHONY: console console-admin console-purge console-verify-log console-bench lock-console record-conversations

help:
	@echo "make run     install what is missing, train if stale, serve the bot"
	@echo "make test    the same set-up, then every test"
	@echo "make screen IN=messages.jsonl OUT=predictions.jsonl"
	@echo "make bench   latency, throughput, training and start-up figures -> reports/bench.json"
	@echo "make eval    scores per flag, intent and story, compared with eval/baseline.json"
	@echo "             -> reports/eval/index.html (STRICT=1: exit 1 if a flag's F1 fell)"
	@echo "make eval-accept   keep the last eval run as the baseline"
	@echo "make validate      rasa data validate plus the project's own data checks"
	@echo "make train | lint | lock | clean"
	@echo "make console-admin   create the staff console's first admin (password prompted)"
	@echo "make console | console-purge | console-verify-log | console-bench | lock-console"
	@echo "make record-conversations   re-record the console's test conversations from the bot"

run:
	@bash scripts/web-deps.sh >/dev/null
	@$(RUN) python -m bot.ops.run

test:
	@bash scripts/services.sh
	@bash scripts/web-deps.sh >/dev/null
	@$(RUN) python -m bot.ops.modelcache
	@$(CONSOLE) $(CONSOLE_TESTS)
	@$(RUN) python -m pytest $(PYTEST_ARGS)

screen:
	@test -n "$(IN)" -a -n "$(OUT)" || { echo "usage: make screen IN=messages.jsonl OUT=predictions.jsonl"; exit 2; }
	@$(RUN) python -m bot.ops.screen "$(abspath $(IN))" "$(abspath $(OUT))"

bench:
	@$(RUN) python -m bot.ops.bench

train:
	@$(RUN) python -m bot.ops.modelcache

validate:
	@$(RUN) python -m bot.ops.validate

eval:
	@$(RUN) python -m bot.ops.evaluate

eval-accept:
	@$(RUN) python -m bot.ops.evaluate accept

lint:
	@$(RUN) ruff check .

# Play tests/fixtures/conversation_scripts.yml against the real bot and keep what it stored
# in tests/fixtures/recorded_conversations.jsonl (the console's tests and benchmark load it).
record-conversations:
	@$(RUN) python -m bot.ops.record_conversations

# Re-resolve requirements.in into a full lock in a scratch virtualenv (needs Python 3.10).
lock:
	@bash scripts/lock.sh

# The staff console (bot/console), in its own virtualenv (requirements-console.lock).
console:
	@$(CONSOLE) python -m bot.console serve

console-admin:
	@$(CONSOLE) python -m bot.console create-admin

console-purge:
	@$(CONSOLE) python -m bot.console purge

# Checks the access log's chain of seals; names the first row changed (exit 1 if any).
console-verify-log:
	@$(CONSOLE) python -m bot.console verify-log

console-bench:
	@$(CONSOLE) python -m bot.console.bench

lock-console:
	@bash scripts/lock.sh console

clean:
	rm -rf var/ .rasa/ results/ .pytest_cache/
