module github.com/siteverify/siteverify/bindings-go

go 1.24
