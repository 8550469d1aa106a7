# ds_check_cflag.m4 - probe one compiler flag
#
# DS_CHECK_CFLAG(FLAG, VARIABLE): append FLAG to VARIABLE when the C
# compiler accepts it without a warning (hence the -Werror while probing).
AC_DEFUN([DS_CHECK_CFLAG], [
	AC_MSG_CHECKING([whether $CC accepts $1])
	ds_save_cflags=$CFLAGS
	CFLAGS="$CFLAGS -Werror $1"
	AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
		[AC_MSG_RESULT([yes]); $2="$$2 $1"],
		[AC_MSG_RESULT([no])])
	CFLAGS=$ds_save_cflags
])
