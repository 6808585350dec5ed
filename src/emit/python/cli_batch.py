# ==== Apex interface: CLI, a batch of tasks per run ====
#   python solution.py --compress|--decompress --input-file tasks.json
#   tasks.json: {"tasks": [{"task_name": str, "input": <task object>}, ...]}, processed in order;
#   a failed task is reported on stderr and the others still run (exit status 1 if any failed).
import json
import sys


def main(argv=None):
    args = _arguments("Apex matrix compression miner (task batch)", argv)
    try:
        with open(args.input_file) as f:
            doc = json.load(f)
        tasks = doc["tasks"] if isinstance(doc, dict) and "tasks" in doc else [{"task_name": "task", "input": doc}]
    except Exception as e:
        sys.stderr.write("solution: cannot read %s: %s: %s\n" % (args.input_file, type(e).__name__, e))
        return 1
    failed = 0
    for i, entry in enumerate(tasks):
        name = entry.get("task_name", "#%d" % i) if isinstance(entry, dict) else "#%d" % i
        try:
            task = entry["input"]
            _check_operation(args, task)
            run_task(task)
        except Exception as e:
            failed += 1
            sys.stderr.write("solution: task %s failed: %s: %s\n" % (name, type(e).__name__, e))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
