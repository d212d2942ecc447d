module siteverify-bench

go 1.24

require github.com/siteverify/siteverify/bindings-go v0.0.0

replace github.com/siteverify/siteverify/bindings-go => ../../bindings-go
