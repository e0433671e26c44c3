module github.com/meshguide/cluster-pause

go 1.24.0
