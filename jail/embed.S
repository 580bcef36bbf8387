/* embed.S - the runner (source, and bytecode compiled at build time by the
 * system's python3) and the default policy, built into the binary so an
 * installed actjail needs no source tree. Each blob is NUL-terminated and its
 * length excludes the NUL. */
	.section .rodata
	.global actjail_runner_py
	.global actjail_runner_py_len
	.global actjail_default_policy
	.global actjail_default_policy_len
	.global actjail_runner_pyc
	.global actjail_runner_pyc_len
	.balign 16
actjail_runner_py:
	.incbin "bridge/runner.py"
.Lrunner_end:
	.byte 0
	.balign 4
actjail_runner_py_len:
	.int .Lrunner_end - actjail_runner_py
	.balign 16
actjail_default_policy:
	.incbin "policy/default.json"
.Lpolicy_end:
	.byte 0
	.balign 4
actjail_default_policy_len:
	.int .Lpolicy_end - actjail_default_policy
	.balign 16
actjail_runner_pyc:
	.incbin "runner.pyc"
.Lpyc_end:
	.byte 0
	.balign 4
actjail_runner_pyc_len:
	.int .Lpyc_end - actjail_runner_pyc
	.section .note.GNU-stack,"",@progbits
