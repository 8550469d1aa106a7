Netid State  Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process                                    
udp   UNCONN 0      0                 0.0.0.0:5353             0.0.0.0:*     ino:1597923 sk:b0a09 cgroup:/ <->         
udp   UNCONN 0      0                       *:5354                   *:*     ino:1597924 sk:b0a0a cgroup:/ v6only:0 <->
udp   ESTAB  0      0      [::ffff:127.0.0.1]:5355  [::ffff:127.0.0.1]:5353  ino:1597927 sk:b1152 cgroup:/ <->         
udp   UNCONN 0      0                   [::1]:53                  [::]:*     ino:1597925 sk:b0a0b cgroup:/ v6only:1 <->
tcp   LISTEN 0      128               0.0.0.0:2222             0.0.0.0:*     ino:1597914 sk:b0a06 cgroup:/ <->         
tcp   ESTAB  0      0               127.0.0.1:34562          127.0.0.1:2222  ino:1597917 sk:b1153 cgroup:/ <->         
tcp   ESTAB  0      0               127.0.0.1:2222           127.0.0.1:34562 ino:1597918 sk:b1154 cgroup:/ <->         
tcp   ESTAB  0      0               127.0.0.1:50642          127.0.0.1:3128  ino:1597919 sk:b1155 cgroup:/ <->         
tcp   LISTEN 0      128                  [::]:8443                [::]:*     ino:1597916 sk:b0a07 cgroup:/ v6only:1 <->
tcp   LISTEN 0      128                     *:3128                   *:*     ino:1597915 sk:b0a08 cgroup:/ v6only:0 <->
tcp   ESTAB  0      0                   [::1]:8443               [::1]:50154 ino:1597922 sk:b1156 cgroup:/ <->         
tcp   ESTAB  0      0                   [::1]:50154              [::1]:8443  ino:1597921 sk:b1157 cgroup:/ <->         
tcp   ESTAB  0      0      [::ffff:127.0.0.1]:3128  [::ffff:127.0.0.1]:50642 ino:1597920 sk:b1158 cgroup:/ <->         
