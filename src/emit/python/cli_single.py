# ==== Apex interface: CLI, one task per run ====
#   python solution.py --compress   --input-file task.json  (task: data_to_compress_base64, expected_output_filepath)
#   python solution.py --decompress --input-file task.json  (task: data_to_decompress_base64, expected_output_filepath)
import json
import sys


def main(argv=None):
    args = _arguments("Apex matrix compression miner (one task)", argv)
    try:
        with open(args.input_file) as f:
            task = json.load(f)
        _check_operation(args, task)
        run_task(task)
    except Exception as e:
        sys.stderr.write("solution: %s failed: %s: %s\n" % ("compress" if args.compress else "decompress", type(e).__name__, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
