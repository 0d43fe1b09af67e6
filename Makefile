# The two commands a newcomer needs; see README.md.
.PHONY: run test
run:
	go run ./cmd/orggraph serve

test:
	scripts/test
