module ntboot/samples/go

go 1.19
