module ntboot.corpus/go

go 1.19
