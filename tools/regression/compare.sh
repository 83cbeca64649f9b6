#!/usr/bin/env bash
# compare.sh BEFORE AFTER: every file of two snapshot.sh folders that differs
# (summary.json is compared as summary.json.cmp). Exit 0 when all are identical.
a=$1; b=$2; rc=0
for d in "$a"/*/; do
  n=$(basename "$d")
  for f in "$d"*; do
    base=$(basename "$f"); [ "$base" = summary.json ] && continue
    if ! cmp -s "$f" "$b/$n/$base"; then echo "DIFF $n/$base"; rc=1; fi
  done
done
[ $rc = 0 ] && echo "all identical"
exit $rc
